// A speaker whose invitation (or accepted talk) the committee withdraws is told by mail, without the
// committee's reason, and the link of the invitation stops working.
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';

describe('withdrawing an invitation', () => {
  let t: TestApp;
  let committee: { id: string; token: string };
  beforeAll(async () => {
    t = await createTestApp({ env: { SMTP_URL: undefined } });
    committee = await t.user('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  const mails = (allocationId: string) =>
    t.dataSource.query(`SELECT kind, recipients, subject, body FROM mail_outbox WHERE allocation_id = $1 ORDER BY created_at, kind`, [
      allocationId,
    ]);

  async function invite(email: string) {
    const institute = await createInstitute(t.dataSource, { country: 'NL' });
    const conference = await createConference(t.dataSource, {
      startDate: '2027-10-04',
      endDate: '2027-10-08',
      name: `Lepton Photon ${email}`,
    });
    const slot = await createSlot(t.dataSource, { conferenceId: conference.id, title: 'Flavour anomalies' });
    const speaker = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'postdoc', name: 'Chien-Shiung Wu', email });
    const nominator = await t.user('nominator');
    await createNomination(t.dataSource, { memberId: speaker.id, slotId: slot.id, nominatorId: nominator.id });
    const res = await t.http.post(`${api}/slots/${slot.id}/allocations`).set(bearer(committee.token)).send({ memberId: speaker.id });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }

  const patch = (id: string, body: object) => t.http.patch(`${api}/allocations/${id}`).set(bearer(committee.token)).send(body);

  it('tells the speaker an open invitation was withdrawn, never why, and the link no longer answers', async () => {
    const allocation = await invite('wu.open@uni.example');
    const [invitation] = await mails(allocation.id);
    const token = /#([\w.-]+)/.exec(invitation.body)![1];
    expect((await patch(allocation.id, { status: 'withdrawn', reason: 'Budget of the session was cut' })).status).toBe(200);
    const sent = await mails(allocation.id);
    expect(sent.map((m: { kind: string }) => m.kind)).toEqual(['invitation', 'withdrawn']);
    expect(sent[1]).toMatchObject({ recipients: ['wu.open@uni.example'], subject: expect.stringContaining('invitation at Lepton Photon') });
    expect(sent[1].body).toContain('no longer works');
    expect(sent[1].body).not.toContain('Budget');
    const answer = await t.http.post(`${api}/invitation-link/accept`).set('Invitation-Token', token);
    expect(answer.status).toBe(409);
  });

  it('tells a speaker whose accepted talk is withdrawn, once', async () => {
    const allocation = await invite('wu.accepted@uni.example');
    expect((await patch(allocation.id, { status: 'accepted' })).status).toBe(200);
    expect((await patch(allocation.id, { status: 'withdrawn' })).status).toBe(200);
    const sent = await mails(allocation.id);
    const withdrawn = sent.filter((m: { kind: string }) => m.kind === 'withdrawn');
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0].subject).toMatch(/Your talk at .* has been withdrawn/);
  });
});
