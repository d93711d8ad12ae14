/**
 * Hono's default router (RegExpRouter, TrieRouter where it cannot serve), for the runtimes whose code size does not
 * matter (Node, Bun): about 1 µs faster per request than the PatternRouter the app defaults to for the Worker.
 */
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

export const fastRouter = <T>() => new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
