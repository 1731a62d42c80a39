import AnalyticsNextContext from './context';
export default AnalyticsNextContext;
export { AnalyticsReactContextInterface } from './types';
