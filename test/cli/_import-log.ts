// Registers ./_import-log-hooks.js in a child process (`node --import <this file> ...`).
import { register } from 'node:module';

register('./_import-log-hooks.js', import.meta.url);
