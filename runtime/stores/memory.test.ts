import { describeStore } from "./store-suite.js";
import { memoryStore } from "./memory.js";

describeStore("memory", () => memoryStore());
