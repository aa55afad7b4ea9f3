import base from '@livecart/config/eslint';

export default base;
