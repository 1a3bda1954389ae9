// Vite build of the web pages: two entry points (the dashboard, index.html, and the latent explorer,
// explorer.html) into web/dist, which `dcgan serve` serves.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // TensorFlow.js is most of the explorer's bundle; it is loaded only by that page.
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { index: resolve(root, 'index.html'), explorer: resolve(root, 'explorer.html') },
    },
  },
});
