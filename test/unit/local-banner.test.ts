import { formatBanner, type BannerInfo } from '../../infra/local/banner';

/** A JWT as the local issuer makes them: three base64url parts, the first two JSON (`eyJ`). */
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/g;

const info: BannerInfo = {
  endpoints: { edge: 'http://127.0.0.1:4566', api: 'http://127.0.0.1:3000', mailbox: 'http://127.0.0.1:8005', cms: 'http://127.0.0.1:40000', portal: 'http://127.0.0.1:3000/portal/' },
  roles: ['agency-admin', 'agency-rms', 'unit', 'court-clerk', 'dcj', 'judicial', 'community', 'operations', 'auditor'],
  demoOri: 'CT0000100',
  dataDir: '/home/dev/ciss/.local',
  cwd: '/home/dev/ciss',
  localSecret: 'per-run-secret-123',
  clock: 'real',
  faults: 'none',
  resumed: 0,
  diagnosticsMachine: 'arn:aws:states:us-east-1:000000000000:stateMachine:ciss-local-diagnostics',
  rmsClientId: 'client-1',
};

describe('the npm start banner', () => {
  const banner = formatBanner(info);
  const lines = banner.split('\n');

  it('says where the portal is, first', () => {
    const first = lines.findIndex((l) => l.includes('http://'));
    expect(lines[first]).toContain(`Portal`);
    expect(lines[first]).toContain(info.endpoints.portal);
  });

  it('prints no token: the operations console is the portal’s operations section, where people sign in', () => {
    expect(banner.match(JWT)).toBeNull();
    expect(banner).not.toContain('#token=');
    expect(banner).not.toContain('/console/');
    expect(lines.find((l) => l.includes('Portal'))).toContain(`${info.endpoints.portal}#/ops`);
  });

  it('names every role, where the tokens are kept and how to mint one', () => {
    for (const role of info.roles) expect(banner).toContain(role);
    expect(banner).toContain('.local/tokens.json');
    expect(banner).toContain('npm run token -- --role admin --ori CT0000100 (a clerk: --role clerk --courts GA23)');
  });

  it('names the data files as paths from where npm start runs, or in full for a data folder elsewhere', () => {
    expect(banner).toContain(`require('./.local/tokens.json')`);
    const elsewhere = formatBanner({ ...info, dataDir: '/var/tmp/ciss-data' });
    expect(elsewhere).toContain('are in /var/tmp/ciss-data/tokens.json');
    expect(elsewhere).toContain(`require('/var/tmp/ciss-data/runtime.json')`);
    expect(elsewhere).not.toContain('.local/');
  });

  it('says where the per-run secret is and how to send it', () => {
    expect(banner).toContain('.local/runtime.json');
    expect(banner).toContain('X-Ciss-Local-Secret');
    expect(banner).toContain(info.localSecret);
  });

  it('points people at our mailbox page, with the secret in its #fragment', () => {
    expect(lines.find((l) => l.includes('Mailbox'))).toContain(`${info.endpoints.mailbox}/#secret=${info.localSecret}`);
  });

  it('says where the search database is: the Data API at the edge, PGlite under the data directory', () => {
    const withSearch = formatBanner({ ...info, searchDataDir: '/home/dev/ciss/.local/search' }).split('\n');
    expect(withSearch.find((l) => l.includes('Search database'))).toBe(
      '  Search database          RDS Data API at the edge (http://127.0.0.1:4566), PostgreSQL on PGlite in /home/dev/ciss/.local/search, opened at the first search',
    );
    expect(lines.find((l) => l.includes('Search database'))).toContain('PGlite in memory');
  });

  it('stays short: no line as long as a token', () => {
    const long = lines.filter((l) => l.length > 400);
    expect(long).toEqual([]);
  });
});
