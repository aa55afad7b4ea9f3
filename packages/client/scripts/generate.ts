import { generatedFile, generateOpenApiTypes } from './openapi-types.js';

generateOpenApiTypes(generatedFile);
process.stderr.write(`wrote ${generatedFile}\n`);
