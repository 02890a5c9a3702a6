// Authentication (server-only): who is calling, from an API token, a trusted proxy or a session.
// Roles and permissions live in lib/policy/access.ts; lib/http/route.ts applies both to every API route.
import "server-only";
export {
  authenticate,
  authenticateInput,
  clientAddress,
  inputFromRequest,
  type AuthInput,
  type AuthResult,
} from "./authenticate";
export { installPeerAddressStamp, peerStamp, PEER_HEADER } from "./peer";
export { SESSION_COOKIE } from "./session";
