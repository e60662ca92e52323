import { escapeHtml } from '../../functions/shared/html';
import { SYSTEM_USE_NOTICE } from '../../portal/src/notice';
import { ROLE_LABELS, type DemoUser } from './users';

/** Where the sign-in page's stylesheet is served (beside the authorization endpoint). */
export const SIGN_IN_CSS_PATH = '/oauth2/signin.css';


/** What a person chooses on the page: the checked parameters of the authorization request, carried as hidden fields. */
export interface SignInPageRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state?: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
}

/** The CSS selector of a person's button on the sign-in page, for browser tests: `page.click(signInButton('clerk-ga23'))`. */
export const signInButton = (username: string): string => `button[name="username"][value="${username}"]`;

/** How the page names a person: name, then role and agency or court. */
export function userLabel(user: DemoUser): { readonly name: string; readonly detail: string } {
  const roles = user.roles.map((r) => ROLE_LABELS[r]).join(', ');
  const where = user.courts?.length ? `${user.organization} (${user.courts.join(', ')})` : user.ori ? `${user.organization} (${user.ori})` : user.organization;
  return { name: user.name, detail: `${roles} · ${where}` };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${SIGN_IN_CSS_PATH}">
</head>
<body>
<header class="banner"><p class="system">CISS · Connecticut Information Sharing System</p></header>
${body}
<footer class="foot"><p>Local development runtime. In AWS this page is Amazon Cognito's hosted sign-in.</p></footer>
</body>
</html>
`;
}

/**
 * The sign-in page of the local issuer: the system-use notification, then one button per person
 * of the local user pool. The original request goes back as hidden fields, checked again.
 */
export function signInPage(request: SignInPageRequest, users: readonly DemoUser[]): string {
  const hidden = (name: string, value: string | undefined): string => (value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`);
  const buttons = users
    .map((user) => {
      const label = userLabel(user);
      return `<li><button type="submit" name="username" value="${escapeHtml(user.username)}"><span class="who">${escapeHtml(label.name)}</span> <span class="what">${escapeHtml(label.detail)}</span></button></li>`;
    })
    .join('\n');
  return page(
    'Sign in · CISS (local)',
    `<main>
<h1>Sign in to CISS</h1>
<section class="notice" aria-labelledby="notice-title">
<h2 id="notice-title">System use notification</h2>
${SYSTEM_USE_NOTICE.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><strong>By signing in you acknowledge this notice and consent to monitoring.</strong></p>
</section>
<section class="local" aria-labelledby="local-title">
<h2 id="local-title">Local stand-in for the hosted sign-in</h2>
<p>This is the local runtime's stand-in for Amazon Cognito's hosted sign-in page. In AWS you sign in with your password and a one-time code from your authenticator app (TOTP multi-factor authentication). Here there are no passwords: choose a demo person to sign in as.</p>
</section>
<form method="post" action="/oauth2/authorize">
${hidden('response_type', 'code')}
${hidden('client_id', request.clientId)}
${hidden('redirect_uri', request.redirectUri)}
${hidden('state', request.state)}
${hidden('code_challenge', request.codeChallenge)}
${hidden('code_challenge_method', 'S256')}
${hidden('scope', request.scopes.join(' '))}
<fieldset>
<legend>Sign in as</legend>
<ul class="people">
${buttons}
</ul>
</fieldset>
</form>
</main>`,
  );
}

/** A request the issuer will not send back to any client (unknown client, unregistered redirect URI): said here, never redirected. */
export function errorPage(message: string): string {
  return page(
    'Sign-in error · CISS (local)',
    `<main>
<h1>This sign-in request cannot be accepted</h1>
<p role="alert">${escapeHtml(message)}</p>
<p>Open the portal again and sign in from there.</p>
</main>`,
  );
}

/**
 * The page's stylesheet: system fonts, contrast above 4.5:1, readable at 320 px, a visible
 * keyboard focus.
 */
export const SIGN_IN_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f4f5f7}
.banner{background:#112e51;color:#fff;padding:.5rem 1rem}
.banner p{margin:0;font-weight:600}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
.notice{border:2px solid #8a1c1c;background:#fff;padding:1rem;margin-bottom:1rem}
.local{border-left:4px solid #112e51;background:#e7f0fa;padding:.75rem 1rem;margin-bottom:1rem}
fieldset{border:1px solid #565c65;background:#fff;padding:1rem;margin:0}
legend{font-weight:600;padding:0 .25rem}
.people{list-style:none;margin:0;padding:0;display:grid;gap:.5rem}
.people button{width:100%;text-align:left;font:inherit;color:#1b1b1b;background:#fff;border:1px solid #565c65;border-radius:4px;padding:.6rem .8rem;cursor:pointer}
.people button:hover{background:#e7f0fa}
.people button:focus-visible{outline:3px solid #005ea2;outline-offset:2px}
.who{display:block;font-weight:600}
.what{display:block;color:#3d4551;font-size:.95rem}
.foot{max-width:44rem;margin:0 auto;padding:0 1rem 2rem;color:#3d4551;font-size:.9rem}
`;
