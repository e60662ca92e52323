import { routeHandler } from '#shared/http';
import { firstLoginPage } from './adapters/first-login-answers';
import { accessFirstLoginPage } from './routes';

/** GET /auth/first-login: the page the temporary-password e-mail links to, a form for the first login. */
export const handler = routeHandler(accessFirstLoginPage, async () => firstLoginPage());
