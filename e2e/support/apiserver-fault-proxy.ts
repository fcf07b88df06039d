/**
 * A TCP proxy between a dashboard and its apiserver that a test can cut and restore, to see
 * what the UI says while Kubernetes cannot be reached. TLS passes through untouched.
 *
 * Run: `node --import tsx e2e/support/apiserver-fault-proxy.ts <listen-port> <host>:<port>` (one
 * process, so signals reach it), point the dashboard's kubeconfig at
 * `https://127.0.0.1:<listen-port>`, and give the test the process id in
 * `PILOTHOUSE_E2E_FAULT_PROXY_PID`. SIGUSR1 cuts every connection and refuses new
 * ones (ECONNREFUSED, like a stopped apiserver); SIGUSR2 accepts again.
 */
import net from "node:net";

const [listenPort, target] = process.argv.slice(2);
const [host = "127.0.0.1", port = "6443"] = (target ?? "").split(":");
const sockets = new Set<net.Socket>();
let server: net.Server | undefined;

function up() {
  if (server?.listening) return; // already accepting
  server = net
    .createServer((client) => {
      const upstream = net.connect(Number(port), host);
      const end = () => {
        for (const s of [client, upstream]) {
          s.destroy();
          sockets.delete(s);
        }
      };
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", end).on("close", end);
      }
      client.pipe(upstream).pipe(client);
    })
    .on("error", (err) => console.error(err))
    .listen(Number(listenPort), "127.0.0.1");
}

process.on("SIGUSR1", () => {
  server?.close();
  for (const s of sockets) s.destroy();
  sockets.clear();
});
process.on("SIGUSR2", up);
setInterval(() => undefined, 1 << 30); // stay alive while cut
up();
