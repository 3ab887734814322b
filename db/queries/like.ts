/** Text for a LIKE pattern in which `%`, `_` and `\` match themselves (Postgres' default escape). */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");
