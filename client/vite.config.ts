/**
 * Vite config for the PZO browser client. `npm run build` runs `vite build client` (root =
 * this folder), which writes client/dist; the server serves that folder at `/`
 * (src/app/clientAssets.ts). For development against a running server on another port, set
 * `VITE_PZO_SERVER=http://localhost:2567` (the client talks to that origin for HTTP and
 * WebSockets instead of its own).
 */
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    assetsDir: "assets",
  },
});
