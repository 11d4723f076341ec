#!/usr/bin/env node
// The CLI lives in the committed bundle so `npx proceed` works right after `npm ci`.
import { runCli } from '../dist/cli.js';

runCli();
