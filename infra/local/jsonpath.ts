/** The local runtime reads reference paths with the application's reader (one copy). */
export { readPath } from '../../functions/shared/jsonpath';
