// The same request as code, made from the current form: what a person copies into a program.
// Keys are never put in a snippet: each reads KINO_API_KEY from the environment.

export function snippets(base, modelId, body) {
  const json = JSON.stringify(body, null, 2);
  const url = `${base}/v1/models/${modelId}`;
  return [
    { lang: 'curl', label: 'curl', code: curl(url, json) },
    { lang: 'python', label: 'Python (httpx)', code: python(base, url, json) },
    { lang: 'javascript', label: 'JavaScript (fetch)', code: javascript(base, url, json) },
    { lang: 'java', label: 'Java (Kino client)', code: java(modelId, json) },
    { lang: 'kino', label: 'kino run', code: kinoRun(base, modelId, json) },
  ];
}

function shellQuote(text) {
  return "'" + text.replace(/'/g, "'\\''") + "'";
}

function curl(url, json) {
  return `curl --request POST --url ${shellQuote(url)} \\
  --header "Content-Type: application/json" \\
  --header "Authorization: Bearer $KINO_API_KEY" \\
  --data ${shellQuote(json)}`;
}

function python(base, url, json) {
  return `import json, os, time
import httpx

headers = {"Authorization": "Bearer " + os.environ["KINO_API_KEY"]}
body = json.loads(${pyString(json)})
submitted = httpx.post(${pyString(url)}, json=body, headers=headers).json()
while True:
    status = httpx.get(submitted["status_url"], headers=headers).json()
    if status["status"] in ("completed", "failed", "cancelled"):
        break
    time.sleep(1)
result = httpx.get(submitted["result_url"], headers=headers).json()
print(result["status"], result["output"])`;
}

function pyString(text) {
  return JSON.stringify(text);
}

function javascript(base, url, json) {
  return `const headers = { Authorization: \`Bearer \${process.env.KINO_API_KEY}\`, "Content-Type": "application/json" };
const body = ${json.split('\n').join('\n')};
const submitted = await (await fetch(${JSON.stringify(url)}, { method: "POST", headers, body: JSON.stringify(body) })).json();
let status;
do {
  await new Promise((r) => setTimeout(r, 1000));
  status = await (await fetch(submitted.status_url, { headers })).json();
} while (!["completed", "failed", "cancelled"].includes(status.status));
const result = await (await fetch(submitted.result_url, { headers })).json();
console.log(result.status, result.output);`;
}

function java(modelId, json) {
  // A text block reads backslashes as escapes: doubled, the JSON arrives as it was.
  const block = json.replace(/\\/g, '\\\\').split('\n').map((line) => '        ' + line).join('\n');
  return `import dev.kino.client.KinoClient;
import dev.kino.client.RequestResult;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

public class Generate {
  public static void main(String[] args) {
    try (KinoClient kino = KinoClient.fromEnvironment()) { // KINO_URL, KINO_API_KEY
      @SuppressWarnings("unchecked")
      Map<String, Object> input = JsonMapper.shared().readValue("""
${block}
        """, Map.class);
      RequestResult done = kino.run(${JSON.stringify(modelId)}, input);
      System.out.println(done.requestId() + " " + done.state());
    }
  }
}`;
}

function kinoRun(base, modelId, json) {
  return `KINO_URL=${shellQuote(base)} ./kino run ${modelId} --input - --wait <<'JSON'
${json}
JSON`;
}
