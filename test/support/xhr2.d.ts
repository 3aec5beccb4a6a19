/** xhr2 ships no types; the tests only hand its XMLHttpRequest class to botframework-directlinejs. */
declare module 'xhr2' {
  const XMLHttpRequest: unknown;
  export default XMLHttpRequest;
}
