import { renameSync, writeFileSync } from 'node:fs';
import { Api } from './api-client';
import { stackIdentity } from './identity';
import { readStackState, type E2eStackState } from './stack-process';

export interface E2eStack {
  state: E2eStackState;
  api: Api;
  brokers: string[];
}

/** The running stack of this run (started by globalSetup), and a client of its gateway. */
export function e2eStack(): E2eStack {
  const state = readStackState();
  return { state, api: new Api(state.gatewayUrl, stackIdentity()), brokers: state.kafkaBrokers.split(',') };
}

/**
 * Moves the clock of the running services (workflow-service reads CLOCK_OFFSET_FILE through its Clock).
 * Written atomically, so a service never reads half a file.
 */
export function setClockOffset(state: E2eStackState, offsetMs: number): void {
  const tmp = `${state.clockFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ offsetMs }));
  renameSync(tmp, state.clockFile);
}
