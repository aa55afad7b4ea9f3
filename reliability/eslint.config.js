import base from '@livecart/config/eslint';

export default [{ ignores: ['results/**'] }, ...base];
