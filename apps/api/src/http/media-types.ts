/** The Content-Type of every JSON answer, as Fastify sets it by default (so that all routes agree). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
