import AnalyticsNextContext from './context';
export default AnalyticsNextContext;
//# sourceMappingURL=index.js.map