// Delivery guarantees of the outbox: two instances on one database send every mail once, and a
// worker killed in the middle of an SMTP delivery leaves the mail to be sent exactly once after restart.
import { freePort } from '../src/database/embedded-postgres';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { startMailServer } from './support/mail-server';
import { spawnService } from './support/postgres-process';
import { ADMIN_TOKEN, bearer, bootApp, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';
const FAST = { JOB_POLLING_SECONDS: '1', MAIL_RETRY_DELAY_SECONDS: '1', MAIL_SEND_TIMEOUT_SECONDS: '3' };

/** `n` open one-seat slots, each with a nominee who has an e-mail address. */
async function nominees(t: TestApp, n: number) {
  const institute = await createInstitute(t.dataSource, { country: 'IT' });
  const conference = await createConference(t.dataSource, { startDate: '2027-10-04', endDate: '2027-10-08' });
  const nominator = await t.user('nominator');
  const seats = [];
  for (let i = 0; i < n; i++) {
    const slot = await createSlot(t.dataSource, { conferenceId: conference.id, title: `Session ${i + 1}` });
    const email = `speaker${i}.${slot.id.slice(0, 8)}@uni.example`;
    const member = await createMember(t.dataSource, { instituteId: institute.id, email, name: `Speaker ${i + 1}` });
    await createNomination(t.dataSource, { memberId: member.id, slotId: slot.id, nominatorId: nominator.id });
    seats.push({ slotId: slot.id, memberId: member.id, email });
  }
  return seats;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two instances on one database', () => {
  it('deliver every invitation exactly once between them', async () => {
    const smtp = await startMailServer();
    const env = { SMTP_URL: smtp.url, ...FAST };
    const first = await createTestApp({ env });
    const second = await bootApp(first.databaseUrl, { env });
    try {
      const committee = await first.token('committee');
      const seats = await nominees(first, 12);
      // Half the invitations through each instance.
      for (const [i, seat] of seats.entries()) {
        const app = i % 2 === 0 ? first : second;
        const res = await app.http.post(`${api}/slots/${seat.slotId}/allocations`).set(bearer(committee)).send({ memberId: seat.memberId });
        expect(res.status).toBe(201);
      }
      await smtp.waitFor((r) => r.length >= seats.length, 30_000);
      await until(
        () => first.dataSource.query(`SELECT status, attempts FROM mail_outbox WHERE kind = 'invitation'`),
        (rows: Array<{ status: string }>) => rows.length === seats.length && rows.every((r) => r.status === 'sent'),
      );
      // The queue records a job as completed a moment after its handler marked the mail sent.
      // Both workers kept polling meanwhile: no job beyond one per mail, and none failed or retried.
      const jobs = await until(
        () => first.dataSource.query(`SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'mail-delivery' GROUP BY state`),
        (rows: Array<{ state: string }>) => rows.every((r) => r.state === 'completed'),
        10_000,
      );
      expect(jobs).toEqual([{ state: 'completed', n: seats.length }]);
      for (const seat of seats) {
        expect(smtp.received.filter((m) => m.text?.includes(seat.email) || JSON.stringify(m.to).includes(seat.email))).toHaveLength(1);
      }
      expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(seats.length);
      const attempts = await first.dataSource.query(`SELECT max(attempts)::int AS n FROM mail_outbox`);
      expect(attempts[0].n).toBe(1);
    } finally {
      await second.close();
      await first.close();
      await smtp.close();
    }
  }, 90_000);
});

describe('a worker killed mid-send', () => {
  it('leaves the mail to be sent exactly once after a restart', async () => {
    const smtp = await startMailServer();
    // The in-process app has no SMTP_URL: it only prepares the data and never works the mail queue.
    const t = await createTestApp({ env: { SMTP_URL: undefined } });
    const port = await freePort();
    const service = spawnService({
      DATABASE_URL: t.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      SMTP_URL: smtp.url,
      ...FAST,
    });
    let restarted: TestApp | null = null;
    try {
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s === 200,
        60_000,
      );
      const committee = await t.token('committee');
      const [seat] = await nominees(t, 1);
      const held = smtp.holdNext();
      const invited = await fetch(`http://127.0.0.1:${port}${api}/slots/${seat.slotId}/allocations`, {
        method: 'POST',
        headers: { ...bearer(committee), 'Content-Type': 'application/json' },
        body: JSON.stringify({ memberId: seat.memberId }),
      });
      expect(invited.status).toBe(201);
      await held;
      // The worker is inside the SMTP DATA of the invitation: kill it there.
      service.child.kill('SIGKILL');
      await service.exited;
      const [stuck] = await t.dataSource.query(`SELECT id, status, attempts FROM mail_outbox WHERE kind = 'invitation'`);
      expect(stuck).toMatchObject({ status: 'sending', attempts: 1 });
      expect(smtp.received).toHaveLength(0);

      restarted = await bootApp(t.databaseUrl, { env: { SMTP_URL: smtp.url, ...FAST } });
      await smtp.waitFor((r) => r.length >= 1, 30_000);
      const [sent] = await until(
        () => t.dataSource.query(`SELECT status, attempts FROM mail_outbox WHERE id = $1`, [stuck.id]),
        (rows: Array<{ status: string; attempts: number }>) => rows[0].status === 'sent',
      );
      expect(sent.attempts).toBe(2);
      const [job] = await until(
        () => t.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE id = $1`, [stuck.id]),
        (rows: Array<{ state: string; retry_count: number }>) => rows[0]?.state === 'completed',
      );
      expect(job.retry_count).toBe(1);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0].messageId).toBe(
        (await t.dataSource.query(`SELECT message_id FROM mail_outbox WHERE id = $1`, [stuck.id]))[0].message_id,
      );
      expect(JSON.stringify(smtp.received[0].to)).toContain(seat.email);
    } finally {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
      await restarted?.close();
      await t.close();
      await smtp.close();
    }
  }, 120_000);
});
