/** The storefront's live tests play the realtime server with the client package's own stand-in. */
export { FakeSocket, fakeWebSockets, orderPaid, product, updated } from '@livecart/client/testing';
