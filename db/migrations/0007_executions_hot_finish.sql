-- No index on executions may include a column that finishing a run changes (status,
-- output, hashes …): the finish UPDATE then stays a heap-only (HOT) update that writes no
-- index entries. A btree on status alone served no query (the receipt job filters
-- status <> 'running', which it cannot use).
DROP INDEX "executions_status_idx";