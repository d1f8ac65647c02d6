/**
 * `mini-tokio/net`: TCP, UDP and Unix-domain sockets through the poll
 * model (tokio's `tokio::net`). Node-only: Node's `net` and `dgram` are
 * underneath, libuv is the reactor.
 *
 * - {@link TcpListener} (`bind`, `accept`) and {@link TcpStream}
 *   (`connect`, an `AsyncBufRead` and `AsyncWrite` from `mini-tokio/io`,
 *   `split`, `setNoDelay`, addresses).
 * - {@link UdpSocket}: `bind`, `sendTo`, `recvFrom`, `connect`, `send`, `recv`.
 * - {@link UnixListener} and {@link UnixStream}.
 *
 * See the guide `docs/guides/io.md`.
 *
 * @module mini-tokio/net
 */

export { DEFAULT_ACCEPT_QUEUE, type ListenOptions, SocketListener } from "./listener.js";
export { SocketAddr, type ToSocketAddr } from "./socket-addr.js";
export { SocketStream } from "./socket-stream.js";
export { TcpListener, TcpStream } from "./tcp.js";
export { DEFAULT_RECV_QUEUE, UdpSocket } from "./udp.js";
export { UnixListener, UnixStream } from "./unix.js";
