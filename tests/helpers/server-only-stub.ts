// vitest runs outside React Server Components; `server-only` throws there, so tests alias it to this.
export {};
