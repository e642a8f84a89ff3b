/**
 * Runs the emulators and the counting proxy on a thread of their own, so that a handler timed on
 * the main thread waits for them as a Lambda function waits for AWS, instead of running their
 * work inside its own duration.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulators } from '../../local/emulators.js';
import { startCountingProxy } from './counting-proxy.js';

if (parentPort === null) throw new Error('Start this module as a worker thread');
const port = parentPort;
const overhead = new Float64Array(workerData.overhead as SharedArrayBuffer);

const emulators = await startEmulators();
const proxy = await startCountingProxy(emulators);
const timer = setInterval(() => {
  overhead[0] = proxy.overheadMs();
}, 1);

port.on('message', async (message: 'requests' | 'clear' | 'stop') => {
  if (message === 'clear') {
    proxy.requests.length = 0;
    port.postMessage({ cleared: true });
  } else if (message === 'requests') {
    port.postMessage({ requests: proxy.requests });
  } else {
    clearInterval(timer);
    await proxy.stop();
    await emulators.stop();
    port.postMessage({ stopped: true });
  }
});
port.postMessage({
  emulators: {
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    messagingEndpoint: emulators.messagingEndpoint,
  },
  proxy: { dynamodbEndpoint: proxy.dynamodbEndpoint, messagingEndpoint: proxy.messagingEndpoint },
});
