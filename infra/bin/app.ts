import { createOrderApp } from '../lib/order-app.js';

createOrderApp();
