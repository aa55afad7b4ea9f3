import { z } from 'zod';

// Runs before any other client code. Zod probes `new Function` once, when its first object schema is
// built, to decide whether it may compile parsers; the page's Content-Security-Policy (no
// 'unsafe-eval', see next.config.ts) blocks that probe and the browser reports a violation. Parsing
// without compiled parsers is what the browser would get anyway.
z.config({ jitless: true });
