// The hook patches http.Server on import and exports nothing.
export {};
