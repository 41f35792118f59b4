// An admin sends a mail that was held (SMTP_URL unset when it was written) or whose delivery gave up:
// through a real SMTP server, once, audited; nothing else is re-sent, and without SMTP_URL it is refused.
import { bearer, createTestApp, TestApp } from './support/test-app';
import { MailServer, startMailServer } from './support/mail-server';

const held = async (t: TestApp, subject: string, status = 'held') =>
  (
    await t.dataSource.query(
      `INSERT INTO mail_outbox (id, kind, recipients, subject, body, attachments, status, message_id)
   VALUES (gen_random_uuid(), 'digest', ARRAY['committee@collab.example'], $1, 'Two answers today.', '[]', $2, '<' || gen_random_uuid() || '@collab.example>')
   RETURNING id`,
      [subject, status],
    )
  )[0].id as string;

describe('sending a held mail', () => {
  let smtp: MailServer;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startMailServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, JOB_POLLING_SECONDS: '1', MAIL_RETRY_DELAY_SECONDS: '1' } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('queues it for delivery, delivers it once, and refuses to send it again', async () => {
    const id = await held(t, 'Digest written while mail was off');
    const send = () => t.http.post(`/api/v1/outbox/${id}/send`).set(bearer(t.admin));
    const queued = await send();
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({ id, status: 'queued', attempts: 0 });
    await smtp.waitFor((mails) => mails.some((m) => m.subject === 'Digest written while mail was off'), 20_000);
    for (let i = 0; i < 50 && (await t.http.get(`/api/v1/outbox/${id}`).set(bearer(t.admin))).body.status !== 'sent'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await t.http.get(`/api/v1/outbox/${id}`).set(bearer(t.admin))).body.status).toBe('sent');
    expect((await send()).status).toBe(409);
    expect(smtp.received.filter((m) => m.subject === 'Digest written while mail was off')).toHaveLength(1);
    const [audit] = await t.dataSource.query(`SELECT before, after FROM audit_event WHERE action = 'mail.send' AND entity_id = $1`, [id]);
    expect(audit).toEqual({ before: { status: 'held' }, after: { status: 'queued' } });
  }, 60_000);

  it('sends a failed mail again, and only admins may', async () => {
    const id = await held(t, 'Reminder that gave up', 'failed');
    expect((await t.http.post(`/api/v1/outbox/${id}/send`).set(bearer(await t.token('committee')))).status).toBe(403);
    expect((await t.http.post(`/api/v1/outbox/${id}/send`).set(bearer(t.admin))).status).toBe(200);
    await smtp.waitFor((mails) => mails.some((m) => m.subject === 'Reminder that gave up'), 20_000);
    expect((await t.http.post('/api/v1/outbox/not-a-uuid/send').set(bearer(t.admin))).status).toBe(400);
    expect((await t.http.post('/api/v1/outbox/00000000-0000-4000-8000-000000000000/send').set(bearer(t.admin))).status).toBe(404);
  }, 60_000);
});

describe('sending without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SMTP_URL: undefined } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is refused with 409, and the mail stays held', async () => {
    const id = await held(t, 'Still held');
    const res = await t.http.post(`/api/v1/outbox/${id}/send`).set(bearer(t.admin));
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/SMTP_URL is unset/);
    expect((await t.http.get(`/api/v1/outbox/${id}`).set(bearer(t.admin))).body.status).toBe('held');
  });
});
