#!/usr/bin/env node
// Entry point for `npx cosa`: runs the compiled CLI from dist/ (built by `npm install`).
import '../dist/src/cli/main.js';
