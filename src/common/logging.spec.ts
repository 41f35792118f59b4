import { Writable } from 'node:stream';
import { createLogger, loggedUrl } from './logging';

describe('the request log', () => {
  it("keeps the path and ordinary query values but never the sign-in callback's code and state", () => {
    expect(loggedUrl('/api/v1/auth/callback?code=abc123&state=xyz&iss=http%3A%2F%2Fidp')).toBe(
      '/api/v1/auth/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&iss=http%3A%2F%2Fidp',
    );
    expect(loggedUrl('/api/v1/reports/balance?dimension=region&conferenceId=c1')).toBe(
      '/api/v1/reports/balance?dimension=region&conferenceId=c1',
    );
    expect(loggedUrl('/health')).toBe('/health');
  });

  it('writes an Error handed to the logger with its message', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger('info', sink).error({ err: new Error('the database said no') }, 'start-up failed');
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'start-up failed', err: { message: 'the database said no' } });
  });
});
