/**
 * The four prom-client classes the daemon uses, from their own files. prom-client's index also
 * loads its Pushgateway, which requires node:https (TLS and OpenSSL's setup: ~9 MB resident) in
 * every daemon, though nothing here pushes (issue 14). The types are prom-client's own.
 */
import type * as Prom from 'prom-client';
import counter from 'prom-client/lib/counter.js';
import gauge from 'prom-client/lib/gauge.js';
import histogram from 'prom-client/lib/histogram.js';
import registry from 'prom-client/lib/registry.js';

export const Counter = counter as typeof Prom.Counter;
export const Gauge = gauge as typeof Prom.Gauge;
export const Histogram = histogram as typeof Prom.Histogram;
export const Registry = registry as typeof Prom.Registry;
export type Counter = Prom.Counter;
export type Gauge = Prom.Gauge;
export type Histogram = Prom.Histogram;
export type Registry = Prom.Registry;
