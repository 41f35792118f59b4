import { bearer, createTestApp, TestApp } from './support/test-app';

// The collaboration's scheme as the issue states it.
const SCHEME: Record<string, string[]> = {
  FRANCE: ['FR'],
  GERMANY: ['DE'],
  ITALY: ['IT'],
  SWITZERLAND: ['CH'],
  UK: ['GB'],
  USA: ['US'],
  RDMS: ['RU'],
  OTHER_CERN_MEMBERS: ['AT', 'BE', 'BG', 'FI', 'GR', 'HU', 'PL', 'PT', 'RS', 'ES'],
  OTHER_STATES_A: ['CN', 'IN', 'IR', 'KR', 'MY', 'NZ', 'PK', 'LK'],
  OTHER_STATES_B: ['BH', 'BR', 'CO', 'HR', 'CY', 'EC', 'EG', 'EE', 'IE', 'KW', 'LB', 'LT', 'MX', 'ME', 'OM', 'QA', 'SA', 'TR', 'UA'],
};

describe('members: regions and institutes', () => {
  let t: TestApp;
  let committee: string;
  let nominator: string;
  const api = '/api/v1';

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    nominator = await t.token('nominator');
  });
  afterAll(async () => {
    await t?.close();
  });

  const createInstitute = (body: object) => t.http.post(`${api}/institutes`).set(bearer(t.admin)).send(body);
  const instituteId = async (name: string) =>
    (await t.dataSource.query(`SELECT id FROM institute WHERE name = $1`, [name]))[0].id as string;

  it('lists the seeded scheme in order to any role, with the override institutes named', async () => {
    const res = await t.http.get(`${api}/regions`).set(bearer(nominator));
    expect(res.status).toBe(200);
    expect(res.body.map((r: { code: string }) => r.code)).toEqual([
      'CERN',
      'FRANCE',
      'GERMANY',
      'ITALY',
      'SWITZERLAND',
      'UK',
      'USA',
      'RDMS',
      'OTHER_CERN_MEMBERS',
      'OTHER_STATES_A',
      'OTHER_STATES_B',
      'UNASSIGNED',
    ]);
    const byCode = Object.fromEntries(res.body.map((r: { code: string }) => [r.code, r]));
    for (const [code, countries] of Object.entries(SCHEME)) expect(byCode[code].countries).toEqual([...countries].sort());
    expect(byCode.CERN).toMatchObject({ name: 'CERN', countries: [], institutes: ['CERN'] });
    expect(byCode.RDMS).toMatchObject({ name: 'Russia and Dubna', institutes: ['JINR Dubna'] });
    expect((await t.http.get(`${api}/regions`)).status).toBe(401);
  });

  it('places an institute of every listed country in its region', async () => {
    for (const [region, countries] of Object.entries(SCHEME)) {
      for (const country of countries) {
        const res = await createInstitute({ name: `University in ${country}`, country });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: `University in ${country}`, country, region, regionOverride: null });
      }
    }
    const listed = await t.http.get(`${api}/institutes?region=OTHER_STATES_B&limit=500`).set(bearer(committee));
    expect(listed.body.total).toBe(SCHEME.OTHER_STATES_B.length);
  });

  it('puts CERN in region CERN while another Swiss institute is SWITZERLAND, and JINR Dubna in RDMS', async () => {
    const cern = await t.http.get(`${api}/institutes/${await instituteId('CERN')}`).set(bearer(committee));
    expect(cern.body).toMatchObject({ name: 'CERN', country: 'CH', region: 'CERN', regionOverride: 'CERN' });
    const eth = await createInstitute({ name: 'ETH Zurich', country: 'ch' });
    expect(eth.body).toMatchObject({ country: 'CH', region: 'SWITZERLAND' });
    const jinr = await t.http.get(`${api}/institutes/${await instituteId('JINR Dubna')}`).set(bearer(committee));
    expect(jinr.body).toMatchObject({ country: 'RU', region: 'RDMS' });
    const lebedev = await createInstitute({ name: 'Lebedev Institute', country: 'RU' });
    expect(lebedev.body.region).toBe('RDMS');
  });

  it('puts a country of no region in UNASSIGNED and lists it under data quality with counts', async () => {
    const kek = await createInstitute({ name: 'KEK', country: 'JP' });
    expect(kek.body.region).toBe('UNASSIGNED');
    await createInstitute({ name: 'Osaka University', country: 'JP' });
    const member = await t.http
      .post(`${api}/members`)
      .set(bearer(t.admin))
      .send({ name: 'Hana Sato', instituteId: kek.body.id, careerStage: 'postdoc' });
    expect(member.status).toBe(201);
    expect(member.body.region).toBe('UNASSIGNED');

    const quality = await t.http.get(`${api}/regions/data-quality`).set(bearer(committee));
    expect(quality.status).toBe(200);
    expect(quality.body.unassigned).toContainEqual({
      country: 'JP',
      countryName: 'Japan',
      institutes: 2,
      members: 1,
      instituteNames: ['KEK', 'Osaka University'],
    });
    expect(quality.body.unassigned.map((u: { country: string }) => u.country)).not.toContain('CH');
    expect((await t.http.get(`${api}/regions/data-quality`).set(bearer(nominator))).status).toBe(403);
  });

  it('lets an admin move a country between regions, audited, and the institutes follow', async () => {
    const before = await t.http.get(`${api}/regions/OTHER_STATES_A`).set(bearer(committee));
    const res = await t.http
      .put(`${api}/regions/OTHER_STATES_A`)
      .set(bearer(t.admin))
      .send({ countries: [...before.body.countries, 'JP', 'tr'] });
    expect(res.status).toBe(200);
    expect(res.body.countries).toEqual(expect.arrayContaining(['JP', 'TR']));
    const b = await t.http.get(`${api}/regions/OTHER_STATES_B`).set(bearer(committee));
    expect(b.body.countries).not.toContain('TR');
    const kek = await t.http.get(`${api}/institutes/${await instituteId('KEK')}`).set(bearer(committee));
    expect(kek.body.region).toBe('OTHER_STATES_A');
    const quality = await t.http.get(`${api}/regions/data-quality`).set(bearer(t.admin));
    expect(quality.body.unassigned.map((u: { country: string }) => u.country)).not.toContain('JP');

    const audit = await t.http.get(`${api}/audit?action=region.update&entityId=OTHER_STATES_A`).set(bearer(t.admin));
    expect(audit.body.items[0].after.moved).toEqual([{ country: 'TR', from: 'OTHER_STATES_B' }]);
  });

  it('leaves out of a region the countries a PUT omits (they become Unassigned)', async () => {
    const res = await t.http.put(`${api}/regions/USA`).set(bearer(t.admin)).send({ name: 'United States', countries: [] });
    expect(res.body).toMatchObject({ code: 'USA', name: 'United States', countries: [] });
    const us = await t.http.get(`${api}/institutes?country=US`).set(bearer(committee));
    expect(us.body.items[0].region).toBe('UNASSIGNED');
    await t.http
      .put(`${api}/regions/USA`)
      .set(bearer(t.admin))
      .send({ name: 'USA', countries: ['US'] })
      .expect(200);
  });

  it('creates a region that takes countries from others, listed before Unassigned', async () => {
    const res = await t.http
      .post(`${api}/regions`)
      .set(bearer(t.admin))
      .send({ code: 'NORDIC', name: 'Nordic countries', countries: ['SE', 'NO', 'FI'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ code: 'NORDIC', name: 'Nordic countries', countries: ['FI', 'NO', 'SE'], institutes: [] });
    const codes = (await t.http.get(`${api}/regions`).set(bearer(committee))).body.map((r: { code: string }) => r.code);
    expect(codes.slice(-2)).toEqual(['NORDIC', 'UNASSIGNED']);
    const fi = await t.http.get(`${api}/institutes?country=FI`).set(bearer(committee));
    expect(fi.body.items[0].region).toBe('NORDIC');

    const again = await t.http.post(`${api}/regions`).set(bearer(t.admin)).send({ code: 'NORDIC', name: 'Other', countries: [] });
    expect(again.status).toBe(409);
  });

  it('refuses bad region edits', async () => {
    const bad = await t.http
      .post(`${api}/regions`)
      .set(bearer(t.admin))
      .send({ code: 'nordic 2', name: 'X', countries: ['XX'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['code', 'countries']));
    expect(
      (
        await t.http
          .put(`${api}/regions/UNASSIGNED`)
          .set(bearer(t.admin))
          .send({ countries: ['JP'] })
      ).status,
    ).toBe(422);
    expect((await t.http.put(`${api}/regions/ATLANTIS`).set(bearer(t.admin)).send({ countries: [] })).status).toBe(404);
    expect(
      (
        await t.http
          .put(`${api}/regions/UK`)
          .set(bearer(committee))
          .send({ countries: ['GB'] })
      ).status,
    ).toBe(403);
  });

  it('validates institutes: real country codes, known regions, unique names, no unknown fields', async () => {
    const badCountry = await createInstitute({ name: 'Nowhere U', country: 'XX' });
    expect(badCountry.status).toBe(400);
    expect(badCountry.body.errors).toEqual([expect.objectContaining({ field: 'country' })]);
    expect((await createInstitute({ name: 'Nowhere U', country: 'CHE' })).status).toBe(400);
    expect((await createInstitute({ name: 'Nowhere U', country: 'CH', founded: 1850 })).status).toBe(400);
    const unknownRegion = await createInstitute({ name: 'Nowhere U', country: 'CH', region: 'ATLANTIS' });
    expect(unknownRegion.status).toBe(422);
    const duplicate = await createInstitute({ name: 'eth zurich', country: 'CH' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.http.post(`${api}/institutes`).set(bearer(committee)).send({ name: 'Y', country: 'CH' })).status).toBe(403);
    expect((await t.http.get(`${api}/institutes/not-a-uuid`).set(bearer(committee))).status).toBe(400);
  });

  it('overrides and clears an institute region with PATCH, audited', async () => {
    const id = await instituteId('ETH Zurich');
    const set = await t.http.patch(`${api}/institutes/${id}`).set(bearer(t.admin)).send({ region: 'CERN' });
    expect(set.body).toMatchObject({ region: 'CERN', regionOverride: 'CERN' });
    const cleared = await t.http.patch(`${api}/institutes/${id}`).set(bearer(t.admin)).send({ region: null, name: 'ETH Zürich' });
    expect(cleared.body).toMatchObject({ name: 'ETH Zürich', region: 'SWITZERLAND', regionOverride: null });
    const clash = await t.http.patch(`${api}/institutes/${id}`).set(bearer(t.admin)).send({ name: 'cern' });
    expect(clash.status).toBe(409);
    const audit = await t.http.get(`${api}/audit?entity=institute&entityId=${id}`).set(bearer(t.admin));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['institute.update', 'institute.update', 'institute.create']);
  });

  it('lists institutes with filters, search and pagination', async () => {
    const page = await t.http.get(`${api}/institutes?q=university%20in&limit=5&offset=5`).set(bearer(committee));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 5, offset: 5 });
    expect(page.body.items).toHaveLength(5);
    expect(page.body.total).toBeGreaterThan(40);
    const swiss = await t.http.get(`${api}/institutes?country=CH`).set(bearer(committee));
    expect(swiss.body.items.map((i: { name: string }) => i.name).sort()).toEqual(['CERN', 'ETH Zürich', 'University in CH']);
    expect((await t.http.get(`${api}/institutes?limit=501`).set(bearer(committee))).status).toBe(400);
  });
});
