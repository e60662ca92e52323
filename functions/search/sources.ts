import { json, routeHandler } from '#shared/http';
import { searchEngine } from './adapters/engine';
import { searchSources } from './routes';
import { listSources, type SourcesPorts } from './use-cases/sources';

const ports: SourcesPorts = { engine: searchEngine('query') };

/** GET /search/sources: the source systems, their record counts and how their deliveries stand. */
export const handler = routeHandler(searchSources, async () => json(200, await listSources(ports)));
