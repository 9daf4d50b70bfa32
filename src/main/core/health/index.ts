/**
 * Health: the agent's overall health in one word (ok, working, paused, needs attention), kept
 * current from the event bus, for the tray icon.
 *
 * Owns: following pause, breaker and folder events and recounting items when they change.
 * Does not own: what the words mean (src/shared/overall-health.ts) or how they are shown (the
 * Electron shell's tray).
 */
export { HealthMonitor, type HealthMonitorOptions } from './health-monitor.ts';
