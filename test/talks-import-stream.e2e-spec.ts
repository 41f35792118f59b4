// The CSV talk import reads its file as it arrives: records cut across the pieces a network delivers,
// a file far larger than one piece, refusals that come before the file has finished arriving, and the
// size limit of every import body.
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { BULK_BODY_LIMIT } from '../src/common/request-body';
import { bearer, createTestApp, TestApp } from './support/test-app';
import { insertMember } from './support/talks-fixtures';

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
  connection: Socket;
}

describe('talk import of a CSV arriving in pieces', () => {
  let t: TestApp;
  let committee: string;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    for (let i = 1; i <= 10; i++) await insertMember(t.dataSource, { externalId: `STR-${i}`, since: '2012-01-01' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  const talkCount = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM talk`))[0].n as number;

  /**
   * POSTs the body piece by piece (chunked), pausing between pieces so that the service receives them
   * apart, and reads the answer as soon as it comes. On its own connection, sending stops at the answer;
   * on a kept-alive one (`agent`), the whole body is sent regardless, as by a client that reads only then.
   */
  async function post(
    pieces: Iterable<Buffer | string>,
    headers: Record<string, string | number> = {},
    options: { pauseMs?: number; agent?: http.Agent } = {},
  ): Promise<Answer> {
    let connection: Socket | null = null;
    let answered = false;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1/talks/import',
      agent: options.agent ?? false,
      headers: { ...bearer(committee), 'Content-Type': 'text/csv', ...headers },
    });
    req.on('socket', (socket) => {
      connection = socket;
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            type: res.headers['content-type'] ?? '',
            body: JSON.parse(text),
            connection: connection!,
          }),
        );
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
    });
    const stopAtAnswer = options.agent === undefined;
    for (const piece of pieces) {
      if (answered && stopAtAnswer) break;
      if (!req.write(piece) && stopAtAnswer) await Promise.race([new Promise((r) => req.once('drain', r)), answer]);
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
    if (answered && stopAtAnswer) req.destroy();
    else req.end();
    return answer;
  }

  const rows = (count: number, row: (i: number) => string) => Array.from({ length: count }, (_, i) => row(i));

  it('joins records cut anywhere: inside quoted cells, between CR and LF, inside a character and the byte-order mark', async () => {
    const csv = Buffer.from(
      [
        '\uFEFFexternalId,conference,year,talkType,date,title,tier',
        'STR-1,Piecewise Workshop,2021,seminar,2021-03-02,"Jets, ""boosted""\r\nand tagged",minor',
        'STR-2,Piecewise Workshop,2021,poster,2021-03-03,Détecteurs 😀 à pixels,',
        'STR-3,piecewise workshop,2021,plenary,2021-03-04,"",',
      ].join('\r\n') + '\r\n',
    );
    const at = (text: string) => csv.indexOf(Buffer.from(text));
    const cuts = [
      1,
      2, // inside the byte-order mark
      at('boosted') + 3,
      at('""\r\nand') + 1,
      at('\r\nand') + 1, // inside a quoted cell, between its doubled quotes, its CR and LF
      at('tagged"') + 6, // just before the closing quote
      at(',minor') + 7, // between the CR and LF that end a record
      at('é') + 1,
      at('😀') + 2, // inside multi-byte characters
    ].sort((a, b) => a - b);
    const pieces = [0, ...cuts].map((from, i) => csv.subarray(from, cuts[i] ?? csv.length));

    const res = await post(pieces, {}, { pauseMs: 20 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 3, conferencesCreated: 1 });
    const talks = await t.dataSource.query(
      `SELECT m.external_id, c.name, t.title FROM talk t JOIN member m ON m.id = t.member_id
       JOIN conference c ON c.id = t.conference_id WHERE c.name = 'Piecewise Workshop' ORDER BY m.external_id`,
    );
    expect(talks).toEqual([
      { external_id: 'STR-1', name: 'Piecewise Workshop', title: 'Jets, "boosted"\r\nand tagged' },
      { external_id: 'STR-2', name: 'Piecewise Workshop', title: 'Détecteurs 😀 à pixels' },
      { external_id: 'STR-3', name: 'Piecewise Workshop', title: null },
    ]);
  });

  it('imports a file of many pieces whole, and refuses one with bad rows anywhere, listing the first thousand by row', async () => {
    const header = 'externalId,conference,year,talkType,date,title,tier';
    const good = [
      header,
      ...rows(
        30_000,
        (i) =>
          `STR-${(i % 10) + 1},Long Meeting ${i % 4},2022,parallel,2022-05-${String((i % 28) + 1).padStart(2, '0')},"Talk ${i}, part ${i % 7}",standard`,
      ),
    ];
    const before = await talkCount();
    const res = await t.http.post('/api/v1/talks/import').set(bearer(committee)).set('Content-Type', 'text/csv').send(good.join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 30_000, conferencesCreated: 4 });
    expect(await talkCount()).toBe(before + 30_000);
    const [last] = await t.dataSource.query(`SELECT count(*)::int AS n FROM talk WHERE title = 'Talk 29999, part 4'`);
    expect(last.n).toBe(1);

    // Odd rows name nobody (found by the database), even rows a talk type that does not exist (found on reading).
    const bad = [
      header,
      ...rows(3000, (i) => (i % 2 === 0 ? `NOBODY-${i},Long Meeting 0,2022,parallel,,,` : `STR-1,Long Meeting 0,2022,keynote,,,`)),
    ];
    const refused = await t.http.post('/api/v1/talks/import').set(bearer(committee)).set('Content-Type', 'text/csv').send(bad.join('\n'));
    expect(refused.status).toBe(422);
    expect(refused.body.errorCount).toBe(3000);
    expect(refused.body.errors).toHaveLength(1000);
    expect(refused.body.errors.slice(0, 2)).toEqual([
      { row: 1, field: 'externalId', message: 'no member has externalId NOBODY-0' },
      { row: 2, field: 'talkType', message: 'keynote is not one of plenary, parallel, poster, summary, seminar' },
    ]);
    expect(refused.body.errors.map((e: { row: number }) => e.row)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(await talkCount()).toBe(before + 30_000);
  });

  it('refuses a bad header, or CSV broken near its end, with 400 and writes nothing; the next import goes through', async () => {
    const before = await talkCount();
    const body = rows(100_000, (i) => `STR-1,Unread Meeting,2022,poster,,Title ${i},minor`).join('\n');
    // Answered as soon as the header is read, whether the client listens while it sends, or only once it has sent all.
    const badHeader = `externalId,conference,year,talkType,shoeSize\n${body}`;
    const early = await post([badHeader.slice(0, 100), badHeader.slice(100)]);
    expect(early.status).toBe(400);
    expect(early.body.detail).toMatch(/Unknown column\(s\) shoeSize/);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const late = await post([badHeader.slice(0, 100), badHeader.repeat(10)], {}, { agent });
    expect(late.status).toBe(400);
    expect(late.body.detail).toMatch(/Unknown column\(s\) shoeSize/);
    // The rest of that body was read and dropped: the same connection carries the next request.
    const again = await post(['externalId,conference,year,talkType,date,title,tier\n'], {}, { agent });
    expect(again.body).toEqual({ created: 0, conferencesCreated: 0 });
    expect(again.connection).toBe(late.connection);
    agent.destroy();

    const broken = await t.http
      .post('/api/v1/talks/import')
      .set(bearer(committee))
      .set('Content-Type', 'text/csv')
      .send(`externalId,conference,year,talkType,date,title,tier\n${body}\nSTR-2,Unread Meeting,2022,poster,,"never closed,minor\n`);
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toBe('The CSV could not be read: A quoted cell opened on line 100002 is never closed');
    expect(await talkCount()).toBe(before);

    const next = await t.http
      .post('/api/v1/talks/import')
      .set(bearer(committee))
      .set('Content-Type', 'text/csv')
      .send('externalId,conference,year,talkType,tier\nSTR-4,Recovery Meeting,2022,summary,minor\n');
    expect(next.body).toEqual({ created: 1, conferencesCreated: 1 });
  });

  it('reads a compressed file, and refuses a charset it cannot decode', async () => {
    const csv = 'externalId,conference,year,talkType,title,tier\nSTR-5,Zipped Meeting,2022,seminar,Über alles,minor\n';
    const zipped = await post([gzipSync(Buffer.from(csv))], { 'Content-Encoding': 'gzip' });
    expect(zipped.body).toEqual({ created: 1, conferencesCreated: 1 });
    const [talk] = await t.dataSource.query(`SELECT title FROM talk WHERE title LIKE 'Über%'`);
    expect(talk.title).toBe('Über alles');

    const klingon = await post([csv], { 'Content-Type': 'text/csv; charset=klingon' });
    expect(klingon.status).toBe(415);
    expect(klingon.type).toMatch(/^application\/problem\+json/);
  });

  it('answers 413 at once for a body announced over the limit', async () => {
    const res = await post(['externalId,conference,year,talkType\n'], { 'Content-Length': BULK_BODY_LIMIT + 1 });
    expect(res.status).toBe(413);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, detail: 'The request body is too large' });
  });

  it('answers 413 for a body that grows past the limit as it arrives, and writes nothing', async () => {
    const before = await talkCount();
    // Rows that are read and checked (their titles are too long) but go nowhere: the limit is what stops them.
    const piece = Buffer.from(rows(100, () => `STR-1,Endless Meeting,2022,poster,,${'x'.repeat(10_000)},minor`).join('\n') + '\n');
    const pieces = function* () {
      yield 'externalId,conference,year,talkType,date,title,tier\n';
      for (let sent = 0; sent <= BULK_BODY_LIMIT; sent += piece.length) yield piece;
    };
    const res = await post(pieces());
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, detail: 'The request body is too large' });
    expect(await talkCount()).toBe(before);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM conference WHERE name = 'Endless Meeting'`);
    expect(n).toBe(0);
  });
});
