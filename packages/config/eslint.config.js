import base from './eslint.config.base.js';

export default base;
