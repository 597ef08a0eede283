// A coact cluster seen from Node.js, with nothing of coact's: the `nats` client from npm and
// `msgpackr`. What tests/cluster/node_client/node_client_test.cpp checks:
//   1. finds the coact actor named "echo" in the cluster's names bucket (JetStream KV);
//   2. sends it a string, as a coact message to its node's inbox;
//   3. asks it (a NATS request) and prints the reply;
//   4. prints the headline the actor then publishes on the shared topic "news".
//
//   node client.mjs nats://127.0.0.1:4222 <cluster>
// Prints one line per step; exit status 1 with a message on stderr when something fails.
import { connect } from "nats";
import { Packr, Unpackr } from "msgpackr";

const [url, cluster] = process.argv.slice(2);
if (!url || !cluster) {
  console.error("usage: node client.mjs URL CLUSTER");
  process.exit(2);
}
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const fail = (why) => {
  console.error(`client.mjs: ${why}`);
  process.exit(1);
};
setTimeout(() => fail("not done within 20 s"), 20000).unref();

const nc = await connect({ servers: url });

// 1. The holder of "echo": the names bucket's value is msgpack [node, incarnation, actor number].
const kv = await nc.jetstream().views.kv(`coact_${cluster}_names`);
let holder = null;
for (let i = 0; i < 500 && !holder; ++i) {
  const entry = await kv.get("echo");
  if (entry && entry.operation === "PUT") holder = unpackr.unpack(entry.value);
  else await new Promise((r) => setTimeout(r, 10));
}
if (!holder) fail("no actor named 'echo' in the names bucket");
const [node, incarnation, actor] = holder;
const inbox = `coact.${cluster}.n.${node}.${incarnation}`;
console.log("found echo");

// A coact message: [version, wire type, from (nil: from outside any actor), seq, body, to].
const message = (type, body) => packr.pack([1, type, null, 0, body, actor]);

// 4 first: follow the shared topic before anything is published there.
const news = nc.subscribe(`coact.${cluster}.t.news`, { max: 1 });
const headline = (async () => {
  for await (const m of news) {
    const [version, type, , , body] = unpackr.unpack(m.data);
    if (version !== 1 || type !== "news.headline") fail(`unexpected publication ${type}`);
    return body; // a map: { title, n }
  }
  return null;
})();
await nc.flush();

// 2. A plain message.
nc.publish(inbox, message("string", "hello from node.js"));

// 3. An ask: a NATS request; the reply is [1, type, from, 0, body].
const reply = await nc.request(inbox, message("string", "shout"), { timeout: 5000 });
const [, replyType, , , replyBody] = unpackr.unpack(reply.data);
console.log(`asked: ${replyType} ${replyBody}`);

const h = await headline;
console.log(`headline: ${h.title} (${h.n})`);
await nc.close();
