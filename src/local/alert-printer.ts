import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface AlertPrinter {
  stop(): Promise<void>;
}

/** One console line for an SNS notification delivered to a queue (envelope or raw). */
export function formatAlert(body: string): string {
  try {
    const envelope = JSON.parse(body) as { Subject?: string; Message?: string };
    const details = (envelope.Message ?? '').split('\n').slice(1).join(' · ');
    return `[admin alert] ${envelope.Subject ?? 'Alert'} — ${details}`;
  } catch {
    return `[admin alert] ${body.replaceAll('\n', ' · ')}`;
  }
}

/**
 * Drains the queue subscribed to the alert topic and prints each alert: locally it stands in
 * for the admins' e-mail, which no emulator delivers.
 */
export function startAlertPrinter(
  sqs: SQSClient,
  queueUrl: string,
  print = console.log,
): AlertPrinter {
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 5,
          }),
          { abortSignal: abort.signal },
        );
        for (const message of Messages) {
          print(formatAlert(message.Body ?? ''));
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        console.error('Reading admin alerts failed; retrying', error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
