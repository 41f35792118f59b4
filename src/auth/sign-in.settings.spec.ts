import { groupsOf, parseRoleMap, rolesFor, signInSettings, SignInSettingsError } from './sign-in.settings';

describe('signInSettings', () => {
  it('is off without OIDC_ISSUER, and refuses the other OIDC_* variables set alone', () => {
    expect(signInSettings({})).toBeNull();
    expect(() => signInSettings({ OIDC_CLIENT_ID: 'x' })).toThrow(/OIDC_CLIENT_ID set without OIDC_ISSUER/);
  });

  it('reads the contract variables with their defaults', () => {
    const settings = signInSettings({
      OIDC_ISSUER: 'https://auth.cern.ch/auth/realms/cern',
      OIDC_CLIENT_ID: 'speakers',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_ROLE_MAP: 'cms-conf-committee=committee',
    })!;
    expect(settings).toMatchObject({
      issuer: 'https://auth.cern.ch/auth/realms/cern',
      clientId: 'speakers',
      clientSecret: 's3cret',
      audience: 'speakers',
      groupsClaim: 'groups',
      externalIdClaim: 'external_id',
      scopes: 'openid profile email',
      sessionSeconds: 8 * 3600,
      groupsRecheckSeconds: 0,
      allowInsecureRequests: false,
      redirectUri: undefined,
    });
    expect([...settings.roleMap]).toEqual([['cms-conf-committee', ['committee']]]);
  });

  it('allows plain http to the provider only on a loopback address', () => {
    expect(signInSettings({ OIDC_ISSUER: 'http://127.0.0.1:4000', OIDC_CLIENT_ID: 'c' })!.allowInsecureRequests).toBe(true);
    expect(signInSettings({ OIDC_ISSUER: 'http://localhost:4000', OIDC_CLIENT_ID: 'c' })!.allowInsecureRequests).toBe(true);
    expect(() => signInSettings({ OIDC_ISSUER: 'http://auth.example.org', OIDC_CLIENT_ID: 'c' })).toThrow(/must use https/);
  });

  it('names what is wrong', () => {
    expect(() => signInSettings({ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'c' })).toThrow(/OIDC_ISSUER must be a URL/);
    expect(() => signInSettings({ OIDC_ISSUER: 'https://a.example' })).toThrow(/OIDC_CLIENT_ID must be set/);
    expect(() => signInSettings({ OIDC_ISSUER: 'https://a.example', OIDC_CLIENT_ID: 'c', OIDC_SESSION_HOURS: 'eight' })).toThrow(
      /OIDC_SESSION_HOURS must be a whole number/,
    );
    expect(() =>
      signInSettings({ OIDC_ISSUER: 'https://a.example', OIDC_CLIENT_ID: 'c', OIDC_REDIRECT_URI: 'https://s.example/login' }),
    ).toThrow(/OIDC_REDIRECT_URI must end in \/api\/v1\/auth\/callback/);
    expect(() => signInSettings({ OIDC_ISSUER: 'https://a.example', OIDC_CLIENT_ID: 'c' })).not.toThrow(SignInSettingsError);
  });
});

describe('parseRoleMap', () => {
  it('maps groups to roles, several roles per group and several groups per role', () => {
    const map = parseRoleMap(' cms-conf-committee=committee, cms-do = do-chair,cms-do=monitor,/cms-admins=admin,cms-chairs=committee ');
    expect(map.get('cms-conf-committee')).toEqual(['committee']);
    expect(map.get('cms-do')).toEqual(['do-chair', 'monitor']);
    expect(map.get('cms-admins')).toEqual(['admin']);
    expect(map.get('cms-chairs')).toEqual(['committee']);
    expect(parseRoleMap('').size).toBe(0);
    expect(parseRoleMap('cms-mentoring=mentorship-coordinator').get('cms-mentoring')).toEqual(['mentorship-coordinator']);
  });

  it('refuses unknown roles, member (which only the member link gives) and malformed entries', () => {
    expect(() => parseRoleMap('cms=superuser')).toThrow(/"superuser" is not a role a group can grant/);
    expect(() => parseRoleMap('cms=member')).toThrow(/"member" is not a role a group can grant/);
    expect(() => parseRoleMap('cms-committee')).toThrow(/entries are group=role/);
    expect(() => parseRoleMap('a=b=c')).toThrow(/entries are group=role/);
  });
});

describe('rolesFor and groupsOf', () => {
  const map = parseRoleMap('cms-conf-committee=committee,cms-do=do-chair');

  it("gives the roles of the groups held, in the vocabulary's order, and member only with a member link", () => {
    expect(rolesFor(['cms-do', 'cms-conf-committee', 'unrelated'], map, true)).toEqual(['committee', 'member', 'do-chair']);
    expect(rolesFor(['/cms-do'], map, false)).toEqual(['do-chair']);
    expect(rolesFor([], map, true)).toEqual(['member']);
    expect(rolesFor(['unrelated'], map, false)).toEqual([]);
  });

  it('reads a groups claim that is a list or one name, and nothing else', () => {
    expect(groupsOf({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsOf({ roles: 'a' }, 'roles')).toEqual(['a']);
    expect(groupsOf({ groups: { a: true } }, 'groups')).toEqual([]);
    expect(groupsOf({}, 'groups')).toEqual([]);
  });
});
