// A scripted agent loop (no model needed) using cordon as its code-execution tool.
//
//   node examples/agent-tool/main.mjs
//
// Conversation "alice" makes three tool calls: it defines data, makes a typo that fails, reads the error the tool
// sent back and corrects the call; the state from the first call is still there. Conversation "bob" runs in its own
// session and does not see alice's variables. Sessions are disposed when a conversation ends.
import { CodeTool, runJavaScriptTool } from "./tool.mjs";

/**
 * A stand-in for a chat model: given the conversation so far, it either calls the tool or answers. Its replies are
 * scripted, but the correction is made only when the tool's answer names the typo, as a real model would read it.
 */
function scriptedModel(script) {
  let step = 0;
  return (messages) => {
    const last = messages.at(-1);
    if (last.role === "tool" && last.content.includes("toFixd is not a function")) {
      return toolCall("total.toFixed(2)"); // the fix, made from the error text
    }
    const reply = script[step++];
    return reply ?? { role: "assistant", content: "(done)" };
  };
}

let callCount = 0;
function toolCall(code) {
  callCount += 1;
  return {
    role: "assistant",
    content: null,
    tool_calls: [
      {
        id: `call_${callCount}`,
        type: "function",
        function: { name: runJavaScriptTool.function.name, arguments: JSON.stringify({ code }) },
      },
    ],
  };
}

function indent(text, prefix) {
  return text
    .split("\n")
    .map((line) => (line === "" ? prefix.trimEnd() : prefix + line))
    .join("\n");
}

async function converse(tool, conversationId, userMessage, model) {
  console.log(`=== conversation ${conversationId}`);
  console.log(`user: ${userMessage}`);
  const messages = [{ role: "user", content: userMessage }];
  for (let turn = 0; turn < 10; turn++) {
    const reply = model(messages);
    messages.push(reply);
    if (!reply.tool_calls) {
      console.log(`assistant: ${reply.content}`);
      break;
    }
    for (const call of reply.tool_calls) {
      const args = JSON.parse(call.function.arguments);
      console.log(`tool call ${call.id}:\n${indent(args.code, "  > ")}`);
      const answer = await tool.handle(conversationId, args);
      console.log(indent(answer, "  | "));
      messages.push({ role: "tool", tool_call_id: call.id, content: answer });
    }
  }
  return messages;
}

const tool = await CodeTool.create();
console.log(
  `tool: ${runJavaScriptTool.function.name}(${JSON.stringify(runJavaScriptTool.function.parameters)})`,
);
try {
  await converse(
    tool,
    "alice",
    "What do my three purchases (3, 4.5 and 12.25) add up to, with two decimals?",
    scriptedModel([
      toolCall(
        'const prices = [3, 4.5, 12.25];\nconst total = prices.reduce((a, b) => a + b, 0);\nconsole.log("items:", prices.length);\ntotal',
      ),
      toolCall("total.toFixd(2)"),
      { role: "assistant", content: "Your purchases add up to 19.75." },
    ]),
  );
  await converse(
    tool,
    "bob",
    "Is there a variable called prices?",
    scriptedModel([
      toolCall("typeof prices"),
      { role: "assistant", content: "No: this conversation has no `prices`." },
    ]),
  );
  console.log(`open sessions before ending: ${tool.openSessions}`);
  tool.end("alice");
  tool.end("bob");
  console.log(`open sessions after ending: ${tool.openSessions}`);
} finally {
  tool.dispose();
}
