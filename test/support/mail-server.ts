// A real SMTP server for the tests (npm smtp-server), with what arrived parsed by mailparser. It can
// refuse the next deliveries with a temporary error, or hold one in the middle of its DATA, so the
// tests can make delivery fail the way real servers and networks do.
import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface MailServer {
  url: string;
  /** Every mail that arrived completely, in order. */
  received: ParsedMail[];
  /** Refuse the next `n` messages with 451 (try again later). */
  refuseNext(n: number): void;
  /** Hold the next message after its DATA began; resolves once it is being held. */
  holdNext(): Promise<void>;
  /** Waits until `predicate` holds for what arrived (polling, at most `timeoutMs`). */
  waitFor(predicate: (received: ParsedMail[]) => boolean, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startMailServer(): Promise<MailServer> {
  const received: ParsedMail[] = [];
  let refuse = 0;
  let hold: (() => void) | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      if (hold) {
        const held = hold;
        hold = null;
        // Read and never answer: the sender is stuck mid-delivery until it gives up or dies.
        stream.on('data', () => undefined);
        stream.on('error', () => undefined);
        held();
        return;
      }
      if (refuse > 0) {
        refuse -= 1;
        stream.on('data', () => undefined);
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  // A sender that dies mid-delivery resets its connection: that is the point of some tests, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (n) => {
      refuse = n;
    },
    holdNext: () =>
      new Promise<void>((resolve) => {
        hold = resolve;
      }),
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`mail did not arrive in ${timeoutMs} ms (${received.length} arrived)`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The answer link in a mail's text, and the token after its #. */
export function answerLink(mail: ParsedMail): { url: string; token: string } {
  const match = /(https?:\/\/\S+\/dashboard\/invitation\.html)#(\S+)/.exec(mail.text ?? '');
  if (!match) throw new Error(`no answer link in: ${mail.text}`);
  return { url: match[1], token: match[2] };
}
