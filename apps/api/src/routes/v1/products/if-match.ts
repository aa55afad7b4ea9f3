/** Documents If-Match for OpenAPI; its syntax is checked by parseIfMatch, which names the header in errors. */
export const IF_MATCH_HEADERS = {
  type: 'object',
  properties: { 'if-match': { type: 'string', maxLength: 200, description: 'ETag of the version this write applies to, e.g. "3"' } },
};
