// The tests' OpenID Connect provider as a command, for trying sign-in locally without a Keycloak:
//
//   npm run build
//   node dist/test/support/local-identity-provider.js --port 4000 \
//     --redirect http://localhost:3000/api/v1/auth/callback \
//     --person ada:ada-pw:CMS-000015:cms-conf-committee,cms-do
//
// Each --person is username:password:externalId[:group,group...]; the externalId is matched to a
// member's externalId at the first sign-in. It prints the OIDC_* settings to start the service with.
// --host 0.0.0.0 listens on every address (in a container) and --secret fixes the client secret
// (docker-compose.yml's sign-in profile configures the service with it ahead).
// Everything is in memory and for trials only: the people, their passwords, the signing key.
import { TestIdentityProvider } from './oidc-provider';

function option(args: string[], name: string): string[] {
  return args.flatMap((arg, i) => (arg === `--${name}` && args[i + 1] ? [args[i + 1]] : []));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(option(args, 'port')[0] ?? 4000);
  const redirectUris = option(args, 'redirect');
  if (redirectUris.length === 0) redirectUris.push('http://localhost:3000/api/v1/auth/callback');
  const people = option(args, 'person').map((spec, i) => {
    const [username, password, externalId, groups = ''] = spec.split(':');
    if (!username || !password) throw new Error(`--person is username:password:externalId[:groups], not "${spec}"`);
    return {
      sub: `local-${i + 1}-${username}`,
      username,
      password,
      name: username,
      externalId: externalId || undefined,
      groups: groups.split(',').filter(Boolean),
    };
  });
  const idp = await TestIdentityProvider.start({
    port,
    redirectUris,
    people,
    listenHost: option(args, 'host')[0],
    clientSecret: option(args, 'secret')[0],
  });
  const env = Object.entries(idp.env())
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`Local identity provider on ${idp.issuer} (${people.length} people; redirects to ${redirectUris.join(', ')})`);
  console.log(`Start the service with: ${env} OIDC_ROLE_MAP=cms-conf-committee=committee,cms-do=do-chair npm start`);
  const stop = () => void idp.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
