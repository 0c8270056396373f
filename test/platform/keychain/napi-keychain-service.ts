/** The service napi-keychain.test.ts and its child store under: a namespace of their own, as a home's would be. */
export const TEST_SERVICE = 'KeyBroker/napi-keychain-test';
