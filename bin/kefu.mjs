#!/usr/bin/env node
// The `kefu` command. Kefu is written in TypeScript and runs through tsx, so no build step stands
// between a clone and a running bot.
import { register } from 'tsx/esm/api';

register();
await import('../bot/cli.ts');
