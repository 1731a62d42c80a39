"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var tslib_1 = require("tslib");
var context_1 = tslib_1.__importDefault(require("./context"));
exports.default = context_1.default;
//# sourceMappingURL=index.js.map