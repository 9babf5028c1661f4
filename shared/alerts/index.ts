// The alerts package's public surface: what the evaluators, dispatch Lambda, API and CLI call.
export * from './config.js';
export * from './model.js';
export * from './ports.js';
export * from './lifecycle.js';
export * from './dispatch.js';
export * from './render.js';
export * from './message.js';
export * from './describe.js';
export * from './sms.js';
export * from './approval-message.js';
export * from './approval-link.js';
export * from './link-pages.js';
export * from './ack-token.js';
export * from './stats.js';
export { MemoryAlertStore } from './memory-store.js';
export { MemoryMessageStore } from './memory-message-store.js';
export { matchRoutes, matchesLabels, isMuted, inTimeWindow, activeSilence, routeById, type RouteLabels } from './routing.js';
export { alertLifecycleSink, reconcileFindings } from './sink.js';
