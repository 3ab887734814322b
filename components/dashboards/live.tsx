"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useState } from "react";

export type LiveState = "connecting" | "live" | "polling";

const POLL_MS = 10_000;

/**
 * Keeps a dashboard current: refetches `queryKey` when the server says one of the
 * viewer's runs ended or purchases was indexed (server-sent events from /api/live), and
 * once after every reconnect (events missed while away). EventSource reconnects a dropped
 * connection by itself; while it is down, or when the server refuses the stream, the
 * dashboard polls instead.
 */
export function useLiveUpdates(scope: { scope: "creator" } | { scope: "org"; org: string }, queryKey: QueryKey) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveState>("connecting");
  const search = new URLSearchParams(scope).toString();
  const key = JSON.stringify(queryKey);
  useEffect(() => {
    const invalidate = () => void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey });
    let poll: ReturnType<typeof setInterval> | undefined;
    const startPolling = () => {
      poll ??= setInterval(invalidate, POLL_MS);
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };
    const source = new EventSource(`/api/live?${search}`);
    let connectedBefore = false;
    source.addEventListener("ready", () => {
      if (connectedBefore) invalidate();
      connectedBefore = true;
      stopPolling();
      setStatus("live");
    });
    source.addEventListener("update", invalidate);
    source.addEventListener("error", () => {
      setStatus(source.readyState === EventSource.CLOSED ? "polling" : "connecting");
      startPolling();
    });
    return () => {
      source.close();
      stopPolling();
    };
  }, [search, key, queryClient]);
  return status;
}

export function LiveStatus({ status }: { status: LiveState }) {
  const label = { connecting: "Connecting…", live: "Live", polling: "Updating every 10 s" }[status];
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground" role="status" data-live={status}>
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${status === "live" ? "bg-green-500" : status === "polling" ? "bg-amber-500" : "bg-muted-foreground"}`}
      />
      {label}
    </span>
  );
}
