"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var react_1 = require("react");
var AnalyticsNextContext = react_1.createContext({
    getAtlaskitAnalyticsContext: function () { return []; },
    getAtlaskitAnalyticsEventHandlers: function () { return []; },
});
exports.default = AnalyticsNextContext;
//# sourceMappingURL=context.js.map