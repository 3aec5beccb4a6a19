export { SwitchboardMetrics } from './registry';
export { TurnMetrics } from './turnMetrics';
export { MeteredStorage } from './meteredStorage';
export { mountMetricsRoute, listenForMetrics, type MetricsAccess, type MetricsListener } from './routes';
export { registerHandoffGauges } from './handoffGauges';
