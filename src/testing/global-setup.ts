import type { TestProject } from 'vitest/node';
import { startEmulators } from '../local/emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: { dynamodbEndpoint: string; messagingEndpoint: string };
  }
}

/** Starts one pair of emulators for the whole run; each test file makes its own resources in them. */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators();
  project.provide('emulators', {
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    messagingEndpoint: emulators.messagingEndpoint,
  });
  return () => emulators.stop();
}
